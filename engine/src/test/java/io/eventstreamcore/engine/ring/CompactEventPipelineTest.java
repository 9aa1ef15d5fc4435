package io.eventstreamcore.engine.ring;

/** Every {@link EventPipelineTest} again, with classify and the processors on one thread. */
class CompactEventPipelineTest extends EventPipelineTest {
  @Override
  RingTopology topology() {
    return RingTopology.COMPACT;
  }
}
