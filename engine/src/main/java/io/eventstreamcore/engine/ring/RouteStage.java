package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventSlot;

/**
 * Classify and then processors, on one thread: the compact topology's first stage (with every
 * route's processor), the first part of the single topology's only one, and the split topology's
 * two (classify with the realtime processor; the other two processors without classify). Each part
 * sees each slot exactly as it would on a thread of its own, in the same order (a processor only
 * after classify), and a part that throws is counted under its own stage name while the others
 * still run: a bad event costs neither the slot nor the ring.
 */
final class RouteStage implements EventHandler<EventSlot> {
  private final String threadName;
  // Null when classify runs on another thread, before this stage.
  private final EventHandler<EventSlot> classify;
  private final ExceptionHandler<EventSlot> classifyErrors;
  private final ProcessorStage[] processors;
  private final ExceptionHandler<EventSlot> processorErrors;

  RouteStage(
      String threadName,
      EventHandler<EventSlot> classify,
      ExceptionHandler<EventSlot> classifyErrors,
      ProcessorStage[] processors,
      ExceptionHandler<EventSlot> processorErrors) {
    this.threadName = threadName;
    this.classify = classify;
    this.classifyErrors = classifyErrors;
    this.processors = processors.clone();
    this.processorErrors = processorErrors;
  }

  @Override
  public void setSequenceCallback(Sequence sequenceCallback) {
    // Every processor's record queue may publish this thread's progress while it waits for space:
    // slots before the current one have been through classify and every processor here.
    for (ProcessorStage processor : processors) {
      processor.setSequenceCallback(sequenceCallback);
    }
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName(threadName);
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    if (classify != null) {
      try {
        classify.onEvent(slot, sequence, endOfBatch);
      } catch (Throwable e) {
        classifyErrors.handleEventException(e, sequence, slot);
      }
    }
    for (ProcessorStage processor : processors) {
      try {
        processor.onEvent(slot, sequence, endOfBatch);
      } catch (Throwable e) {
        processorErrors.handleEventException(e, sequence, slot);
      }
    }
  }
}
