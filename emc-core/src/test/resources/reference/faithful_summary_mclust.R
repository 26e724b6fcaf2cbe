# The reference summary of the reference fit (examples/gmm.model on Old Faithful, 2 components,
# full covariances): R mclust's Mclust, VVV, G = 2, whose optimum is emc's (log-likelihood
# -1130.26396), with its sizes, uncertainty and classification, and mclust's adjustedRandIndex.
#
#   Rscript src/test/resources/reference/faithful_summary_mclust.R > src/test/resources/reference/faithful_summary_mclust.json
#
# Mclust stops by default when the log-likelihood changes by less than 1e-5 (relative), where the
# largest uncertainty is still 3e-3 from its value at the maximum; the fit below runs to 1e-14.
# - hardCounts: summary()'s clustering table; posteriorSums: colSums(z); meanUncertainty and
#   maxUncertainty: of $uncertainty (1 - the largest z of each row), which is also given row by row.
# - ariG2G3: adjustedRandIndex of the G = 2 classification against Mclust's G = 3 one (VVV, also to
#   1e-14), given too; and `handMade`, adjustedRandIndex of small vectors written here.
suppressMessages(library(mclust))

d <- read.csv("examples/data/faithful.csv")
tight <- emControl(tol = c(1e-14, sqrt(.Machine$double.eps)))
fit <- Mclust(d, G = 2, modelNames = "VVV", verbose = FALSE, control = tight)
fit3 <- Mclust(d, G = 3, modelNames = "VVV", verbose = FALSE, control = tight)
num <- function(v) paste(sprintf("%.15g", v), collapse = ", ")
ints <- function(v) paste(v, collapse = ", ")
hand <- list(
  list(c(1, 1, 2, 2), c(1, 1, 2, 2)),
  list(c(1, 1, 2, 2), c(1, 2, 1, 2)),
  list(c(1, 1, 1, 2, 2, 3), c(1, 1, 2, 2, 3, 3)),
  list(c(1, 1, 2, 2, 3, 3, 3), c(2, 2, 1, 1, 1, 3, 3)),
  list(c(1, 2, 3, 4), c(1, 1, 1, 1)))

cat("{\n")
cat(sprintf('  "source": "R mclust %s, Mclust VVV G = 2 (and G = 3), tol 1e-14",\n', packageVersion("mclust")))
cat(sprintf('  "logLik": %.15g,\n', fit$loglik))
cat(sprintf('  "hardCounts": [%s],\n', ints(as.vector(table(factor(fit$classification, levels = 1:2))))))
cat(sprintf('  "posteriorSums": [%s],\n', num(colSums(fit$z))))
cat(sprintf('  "meanUncertainty": %.15g,\n', mean(fit$uncertainty)))
cat(sprintf('  "maxUncertainty": %.15g,\n', max(fit$uncertainty)))
cat(sprintf('  "classification": [%s],\n', ints(fit$classification)))
cat(sprintf('  "uncertainty": [%s],\n', num(fit$uncertainty)))
cat(sprintf('  "classificationG3": [%s],\n', ints(fit3$classification)))
cat(sprintf('  "ariG2G3": %.15g,\n', adjustedRandIndex(fit$classification, fit3$classification)))
cat('  "handMade": [\n')
for (i in seq_along(hand)) {
  h <- hand[[i]]
  cat(sprintf('    {"x": [%s], "y": [%s], "ari": %.15g}%s\n', ints(h[[1]]), ints(h[[2]]),
              adjustedRandIndex(h[[1]], h[[2]]), if (i < length(hand)) "," else ""))
}
cat("  ]\n")
cat("}\n")
