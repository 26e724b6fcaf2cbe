package dev.emc.runtime.fit;

/** How a run starts: {@link FitOptions.Init}'s ways, and the default's fallbacks. */
enum Start {
  GIVEN, KMEANS, JITTERED, RANDOM;

  static Start of(FitOptions.Init init) {
    return valueOf(init.name());
  }
}
