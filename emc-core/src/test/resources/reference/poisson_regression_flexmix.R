# The reference fit of examples/poisson-regression.model: R flexmix on examples/data/poisson-regression.csv.
#
#   Rscript src/test/resources/reference/poisson_regression_flexmix.R > src/test/resources/reference/poisson_regression_flexmix.json
#
# FLXMRglm's poisson driver: each M-step is a weighted Poisson regression (log link) fitted by IRLS
# to convergence, so its fixed points are the maxima emc's halved Newton steps climb to. The
# intercept is glm's own, the column of ones in emc's covariates. The best of 20 random starts,
# run to a relative change of 1e-12.
suppressMessages(library(flexmix))

d <- read.csv("examples/data/poisson-regression.csv")
set.seed(1)
best <- NULL
for (i in 1:20) {
  m <- flexmix(y ~ t + w, data = d, k = 2, model = FLXMRglm(family = "poisson"),
               control = list(tolerance = 1e-12, iter.max = 10000, minprior = 0))
  if (length(m@prior) == 2 && (is.null(best) || logLik(m) > logLik(best))) best <- m
}
p <- parameters(best)
order <- order(p["coef.t", ])
coefficients <- c("coef.(Intercept)", "coef.t", "coef.w")
num <- function(v) paste(sprintf("%.12g", v), collapse = ", ")
cat("{\n")
cat(sprintf('  "source": "R flexmix %s, FLXMRglm poisson",\n', packageVersion("flexmix")))
cat(sprintf('  "logLik": %.15g,\n', as.numeric(logLik(best))))
cat(sprintf('  "phi": [%s],\n', num(best@prior[order])))
cat(sprintf('  "beta": [[%s], [%s]]\n', num(p[coefficients, order[1]]), num(p[coefficients, order[2]])))
cat("}\n")
