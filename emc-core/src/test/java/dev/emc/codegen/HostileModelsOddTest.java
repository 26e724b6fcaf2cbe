package dev.emc.codegen;

/** The hostile-model fuzz test on the examples at odd places in their list. */
class HostileModelsOddTest extends HostileModelFuzz {
  @Override
  int half() {
    return 1;
  }
}
