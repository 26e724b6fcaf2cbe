# Bootstrap standard errors of the reference fit (examples/gmm.model on Old Faithful, VVV, G = 2)
# by mclust's MclustBootstrap: nonparametric (type "bs"), B = 1000 replicates, each EM started
# from the fit. Component 1 is the larger (the longer eruptions), as in emc's fit ordered by weight.
# Run from the repository root: Rscript src/test/resources/reference/faithful_mclustbootstrap.R \
#   > src/test/resources/reference/faithful_mclustbootstrap.json (about 10 s)
suppressMessages(library(mclust))
set.seed(20)
x <- read.csv("examples/data/faithful.csv")
fit <- Mclust(x, G = 2, modelNames = "VVV", verbose = FALSE)
B <- 1000
boot <- MclustBootstrap(fit, nboot = B, type = "bs", verbose = FALSE)
se <- summary(boot, what = "se")
num <- function(v) paste0("[", paste(sprintf("%.10g", v), collapse = ", "), "]")
cat("{\n")
cat(sprintf('  "mclust": "%s", "B": %d, "type": "bs", "loglik": %.10f,\n', packageVersion("mclust"), B, fit$loglik))
cat(sprintf('  "pro": %s,\n', num(fit$parameters$pro)))
cat(sprintf('  "mean": [%s, %s],\n', num(fit$parameters$mean[, 1]), num(fit$parameters$mean[, 2])))
cat(sprintf('  "se_pro": %s,\n', num(se$pro)))
cat(sprintf('  "se_mean": [%s, %s],\n', num(se$mean[, 1]), num(se$mean[, 2])))
cat(sprintf('  "se_variance": [%s, %s]\n', num(as.vector(se$variance[, , 1])), num(as.vector(se$variance[, , 2]))))
cat("}\n")
