package dev.emc.runtime;

/**
 * A data variable: where it sits in a row and what values it takes.
 *
 * @param width its columns (1 for a number)
 * @param values what a value must be: "real", "positive", "probability", "int", "count",
 *     "binary", or "category" (1..categories)
 * @param categories for a category, how many; else 0
 */
public record DataInfo(String name, String values, int offset, int width, int categories) {}
