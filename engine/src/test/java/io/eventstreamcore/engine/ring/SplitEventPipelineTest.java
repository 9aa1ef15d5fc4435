package io.eventstreamcore.engine.ring;

/**
 * Every {@link EventPipelineTest} again, with classify and realtime on one thread, the other
 * processors, the writer and the acknowledger on another.
 */
class SplitEventPipelineTest extends EventPipelineTest {
  @Override
  RingTopology topology() {
    return RingTopology.SPLIT;
  }
}
