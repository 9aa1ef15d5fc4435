package io.eventstreamcore.engine.ring;

/** Every {@link EventPipelineTest} again, with every stage on one thread. */
class SingleEventPipelineTest extends EventPipelineTest {
  @Override
  RingTopology topology() {
    return RingTopology.SINGLE;
  }
}
