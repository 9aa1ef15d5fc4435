package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.ProcessorHandlerFactory;

/** Registers {@link ProbeHandler} as {@code probe} through META-INF/services. */
public final class ProbeHandlerFactory implements ProcessorHandlerFactory {
  @Override
  public String name() {
    return "probe";
  }

  @Override
  public ProcessorHandler create() {
    return new ProbeHandler();
  }
}
