# The reference semi-supervised fit of examples/gmm.model with --labels label: R mclust's
# MclustSSC on examples/data/faithful-missing-labels.csv.
#
#   Rscript src/test/resources/reference/faithful_mclustssc.R > src/test/resources/reference/faithful_mclustssc.json
#
# It first writes that CSV: Old Faithful (examples/data/faithful.csv) with a label column holding,
# for every 9th row (rows 9, 18, ..., 270: 30 rows), the component of the maximum-likelihood
# 2-component VVV fit (Mclust) the row is most likely in, and an empty cell elsewhere.
# (Its name says "missing" as faithful-missing.csv's does: its empty cells, the unknown labels,
# are for the general CSV reader, not the fast one; FastCsvTest tells such files by the name.)
#
# MclustSSC's log-likelihood is that of the labelled data: log p(x, z = label) summed over the
# labelled rows plus log p(x) over the others (MclustSSC.fit: sum(ldens) + sum(lcdens * z0)),
# which is the objective emc maximizes. MclustSSC does not pass its `control` on to the fit
# (mclust 6.0.0), so it stops at its default tolerance, 1e-5 in the log-likelihood, about 2e-7
# short of the maximum and 1e-4 away in the covariances. The fit below is MclustSSC.fit, the
# function MclustSSC runs for each model, with an absolute tolerance of 1e-13; the labelled rows'
# start is the same (their one-hot responsibilities; 1/G for the others).
suppressMessages(library(mclust))

d <- read.csv("examples/data/faithful.csv")
full <- Mclust(d, G = 2, modelNames = "VVV", verbose = FALSE)
label <- rep(NA, nrow(d))
picked <- seq(9, nrow(d), by = 9)
label[picked] <- full$classification[picked]
write.csv(cbind(d, label = label), "examples/data/faithful-missing-labels.csv", row.names = FALSE, quote = FALSE, na = "")

fit <- mclust:::MclustSSC.fit(d, label, G = 2, modelName = "VVV",
                              control = emControl(tol = 1e-13, itmax = 100000))
num <- function(v) paste(sprintf("%.12g", v), collapse = ", ")
cat("{\n")
cat(sprintf('  "source": "R mclust %s, MclustSSC.fit VVV G = 2, tol 1e-13; 30 labelled rows",\n', packageVersion("mclust")))
cat(sprintf('  "logLik": %.15g,\n', fit$loglik))
cat(sprintf('  "phi": [%s],\n', num(fit$parameters$pro)))
cat(sprintf('  "mu": [[%s], [%s]],\n', num(fit$parameters$mean[, 1]), num(fit$parameters$mean[, 2])))
cat(sprintf('  "Sigma": [[%s], [%s]]\n', num(fit$parameters$variance$sigma[, , 1]),
            num(fit$parameters$variance$sigma[, , 2])))
cat("}\n")
