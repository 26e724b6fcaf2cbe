package dev.emc.dist;

import dev.emc.types.Type;

/** One argument of a family: its name (as documentation and messages use it) and type pattern. */
public record Param(String name, Type type) {}
