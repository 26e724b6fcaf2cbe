# The BIC table of R mclust on Fisher's iris, four measurements (examples/data/iris.csv, made by
# examples/data/iris.R), for K = 1..9 and the four covariance forms emc's examples write:
# VVV (examples/gmm.model), EEE (gmm-tied), VVI (gmm-diagonal), VII (gmm-spherical).
#
#   Rscript emc-core/src/test/resources/reference/iris_bic_mclust.R > emc-core/src/test/resources/reference/iris_bic_mclust.json
#
# mclustBIC's sign is 2 log L - p ln N (larger is better); emc's BIC is its negative. Mclust starts
# from model-based hierarchical clustering, once; NA marks a fit it refused (a singular covariance).
# logLik and p are those of Mclust(d, G = k, modelNames = m) at the same start. `chosen` is
# Mclust(d, G = 1:9, modelNames = "VVV")'s K, and `chosenAll` its model and K over all four forms.
suppressMessages(library(mclust))

d <- read.csv("examples/data/iris.csv")[, 1:4]
models <- c("VVV", "EEE", "VVI", "VII")
bic <- mclustBIC(d, G = 1:9, modelNames = models, verbose = FALSE)
num <- function(v) paste(ifelse(is.na(v), "null", sprintf("%.10f", v)), collapse = ", ")
vvv <- Mclust(d, G = 1:9, modelNames = "VVV", verbose = FALSE)
all <- Mclust(d, G = 1:9, modelNames = models, verbose = FALSE)

cat("{\n")
cat(sprintf('  "source": "R mclust %s, mclustBIC(iris[, 1:4], G = 1:9, modelNames = c(\\"VVV\\", \\"EEE\\", \\"VVI\\", \\"VII\\"))",\n',
  packageVersion("mclust")))
cat('  "sign": "2 log L - p ln N (mclust): emc BIC = -this",\n')
cat(sprintf('  "chosen": {"model": "VVV", "K": %d, "bic": %.10f},\n', vvv$G, vvv$bic))
cat(sprintf('  "chosenAll": {"model": "%s", "K": %d, "bic": %.10f},\n', all$modelName, all$G, all$bic))
cat('  "models": {\n')
for (i in seq_along(models)) {
  m <- models[i]
  ll <- sapply(1:9, function(k) { f <- Mclust(d, G = k, modelNames = m, verbose = FALSE); if (is.null(f)) NA else f$loglik })
  p <- sapply(1:9, function(k) nMclustParams(m, ncol(d), k))
  cat(sprintf('    "%s": {"bic": [%s], "logLik": [%s], "parameters": [%s]}%s\n', m, num(bic[, m]), num(ll),
    paste(p, collapse = ", "), if (i < length(models)) "," else ""))
}
cat("  }\n}\n")
