# The reference fit of examples/regression.model: R flexmix on examples/data/regression.csv.
#
#   Rscript src/test/resources/reference/regression_flexmix.R > src/test/resources/reference/regression_flexmix.json
#
# flexmix's Gaussian M-step divides the weighted squared residuals by a degrees-of-freedom
# corrected count, N_k (N − p) / N, so its fixed point is not the maximum-likelihood one. The
# model below is FLXMRglm's Gaussian driver with the maximum-likelihood variance, Σ w e² / Σ w:
# the same EM emc derives. The best of 20 random starts, run to a relative change of 1e-13.
suppressMessages(library(flexmix))

mle <- function(formula = . ~ .) {
  z <- FLXMRglm(formula, family = "gaussian")
  z@fit <- function(x, y, w, component) {
    fit <- lm.wfit(x, y, w = w)
    z@defineComponent(para = list(coef = coef(fit), df = ncol(x) + 1,
                                  sigma = sqrt(sum(w * fit$residuals^2) / sum(w))))
  }
  z
}

d <- read.csv("examples/data/regression.csv")
set.seed(1)
best <- NULL
for (i in 1:20) {
  m <- flexmix(y ~ t, data = d, k = 2, model = mle(),
               control = list(tolerance = 1e-13, iter.max = 10000, minprior = 0))
  if (length(m@prior) == 2 && (is.null(best) || logLik(m) > logLik(best))) best <- m
}
p <- parameters(best)
order <- order(p["coef.t", ])
num <- function(v) paste(sprintf("%.12g", v), collapse = ", ")
cat("{\n")
cat(sprintf('  "source": "R flexmix %s, FLXMRglm gaussian with the maximum-likelihood variance",\n',
            packageVersion("flexmix")))
cat(sprintf('  "logLik": %.12g,\n', as.numeric(logLik(best))))
cat(sprintf('  "phi": [%s],\n', num(best@prior[order])))
cat(sprintf('  "beta": [[%s], [%s]],\n', num(p[c("coef.(Intercept)", "coef.t"), order[1]]),
            num(p[c("coef.(Intercept)", "coef.t"), order[2]])))
cat(sprintf('  "s2": [%s]\n', num(p["sigma", order]^2)))
cat("}\n")
