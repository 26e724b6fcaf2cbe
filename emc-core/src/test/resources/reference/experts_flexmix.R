# The reference fit of examples/experts.model: R flexmix on examples/data/experts.csv.
#
#   Rscript src/test/resources/reference/experts_flexmix.R > src/test/resources/reference/experts_flexmix.json
#
# A mixture of experts: two Gaussian linear regressions of y on t, whose weights depend on t
# through a multinomial logit (FLXPmultinom(~ t), the concomitant model). The experts' driver is
# FLXMRglm's Gaussian one with the maximum-likelihood variance, Σ w e² / Σ w (flexmix's stock one
# divides by a degrees-of-freedom corrected count, see regression_flexmix.R). FLXPmultinom fits
# the weights with nnet from 0 at each M-step, stopping at a relative change of 1e-8 after at most
# 100 iterations; here it runs to 1e-15, so that each M-step maximizes and the fixed points are
# the likelihood's maxima. The best of 20 random starts, run to a relative change of 1e-13.
#
# flexmix's concomitant coefficients take the first component as reference (its column is 0); the
# JSON gives G with the last component (by slope) as reference: row k is g_k − g_K.
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

tight <- function(formula) {
  z <- FLXPmultinom(formula)
  fit <- z@fit
  z@fit <- function(x, y, w, ...) fit(x, y, w, maxit = 100000, reltol = 1e-15, abstol = 0, ...)
  z
}

d <- read.csv("examples/data/experts.csv")
set.seed(1)
best <- NULL
for (i in 1:20) {
  m <- flexmix(y ~ t, data = d, k = 2, model = mle(), concomitant = tight(~ t),
               control = list(tolerance = 1e-13, iter.max = 10000, minprior = 0))
  if (length(m@prior) == 2 && (is.null(best) || logLik(m) > logLik(best))) best <- m
}
p <- parameters(best)
g <- parameters(best, which = "concomitant")
order <- order(p["coef.t", ])
last <- order[2]
num <- function(v) paste(sprintf("%.12g", v), collapse = ", ")
cat("{\n")
cat(sprintf('  "source": "R flexmix %s, FLXMRglm gaussian with the maximum-likelihood variance, FLXPmultinom(~ t) fitted to 1e-15",\n',
            packageVersion("flexmix")))
cat(sprintf('  "logLik": %.12g,\n', as.numeric(logLik(best))))
cat(sprintf('  "iterations": %d,\n', best@iter))
cat(sprintf('  "beta": [[%s], [%s]],\n', num(p[c("coef.(Intercept)", "coef.t"), order[1]]),
            num(p[c("coef.(Intercept)", "coef.t"), order[2]])))
cat(sprintf('  "s2": [%s],\n', num(p["sigma", order]^2)))
cat(sprintf('  "G": [[%s], [%s]]\n', num(g[, order[1]] - g[, last]), num(g[, order[2]] - g[, last])))
cat("}\n")
