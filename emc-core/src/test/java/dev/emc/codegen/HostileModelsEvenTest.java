package dev.emc.codegen;

/** The hostile-model fuzz test on the examples at even places in their list. */
class HostileModelsEvenTest extends HostileModelFuzz {
  @Override
  int half() {
    return 0;
  }
}
