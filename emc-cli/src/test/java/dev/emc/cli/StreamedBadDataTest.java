package dev.emc.cli;

/** The bad-data cases again with the rows streamed through a row cache: the same messages. */
class StreamedBadDataTest extends BadDataTest {
  @Override
  boolean streamed() {
    return true;
  }
}
