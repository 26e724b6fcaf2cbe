# The reference fit of examples/binomial-trials.model: R flexmix on examples/data/binomial-trials.csv.
#
#   Rscript src/test/resources/reference/binomial_trials_flexmix.R > src/test/resources/reference/binomial_trials_flexmix.json
#
# FLXMRglm's binomial driver with an intercept only: each component's success probability is
# the weighted share of successes among the trials, the same closed-form M-step emc derives.
# The best of 20 random starts, run to a relative change of 1e-12.
suppressMessages(library(flexmix))

d <- read.csv("examples/data/binomial-trials.csv")
set.seed(1)
best <- NULL
for (i in 1:20) {
  m <- flexmix(cbind(hits, trials - hits) ~ 1, data = d, k = 2, model = FLXMRglm(family = "binomial"),
               control = list(tolerance = 1e-12, iter.max = 5000, minprior = 0))
  if (length(m@prior) == 2 && (is.null(best) || logLik(m) > logLik(best))) best <- m
}
p <- plogis(as.numeric(parameters(best)))  # one intercept per component, on the logit scale
order <- order(p)
num <- function(v) paste(sprintf("%.12g", v), collapse = ", ")
cat("{\n")
cat(sprintf('  "source": "R flexmix %s, FLXMRglm binomial, intercept only",\n', packageVersion("flexmix")))
cat(sprintf('  "logLik": %.12g,\n', as.numeric(logLik(best))))
cat(sprintf('  "phi": [%s],\n', num(best@prior[order])))
cat(sprintf('  "p": [%s]\n', num(p[order])))
cat("}\n")
