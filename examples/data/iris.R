# Fisher's iris (R's datasets::iris): the four measurements in cm and the species as 1..3
# (setosa, versicolor, virginica), for --labels. Run from the checkout's top:
#   Rscript examples/data/iris.R
d <- iris[, 1:4]
names(d) <- c("sepal_length", "sepal_width", "petal_length", "petal_width")
d$species <- as.integer(iris$Species)
write.csv(d, "examples/data/iris.csv", row.names = FALSE, quote = FALSE)
