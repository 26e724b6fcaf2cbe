# The reference fit of examples/logistic-mixture.model: R flexmix on examples/data/logistic-mixture.csv.
#
#   Rscript src/test/resources/reference/logistic_mixture_flexmix.R > src/test/resources/reference/logistic_mixture_flexmix.json
#
# FLXMRglm's binomial driver: each M-step is a weighted logistic regression fitted by IRLS to
# convergence, so its fixed points are the maxima emc's generalized EM climbs to. The intercept is
# glm's own, the column of ones in emc's covariates. The best of 20 random starts, run to a
# relative change of 1e-12. flexmix takes a 0/1 response as successes and failures, cbind(y, 1 - y).
suppressMessages(library(flexmix))

d <- read.csv("examples/data/logistic-mixture.csv")
set.seed(1)
best <- NULL
for (i in 1:20) {
  m <- flexmix(cbind(y, 1 - y) ~ t, data = d, k = 2, model = FLXMRglm(family = "binomial"),
               control = list(tolerance = 1e-12, iter.max = 10000, minprior = 0))
  if (length(m@prior) == 2 && (is.null(best) || logLik(m) > logLik(best))) best <- m
}
p <- parameters(best)
order <- order(p["coef.t", ])
num <- function(v) paste(sprintf("%.12g", v), collapse = ", ")
cat("{\n")
cat(sprintf('  "source": "R flexmix %s, FLXMRglm binomial",\n', packageVersion("flexmix")))
cat(sprintf('  "logLik": %.12g,\n', as.numeric(logLik(best))))
cat(sprintf('  "phi": [%s],\n', num(best@prior[order])))
cat(sprintf('  "beta": [[%s], [%s]]\n', num(p[c("coef.(Intercept)", "coef.t"), order[1]]),
            num(p[c("coef.(Intercept)", "coef.t"), order[2]])))
cat("}\n")
