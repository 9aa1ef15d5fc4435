package io.eventstreamcore.processors.handlers;

import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.ProcessorHandlerFactory;

/** Registered in META-INF/services under the name {@code noop}. */
public final class NoopHandlerFactory implements ProcessorHandlerFactory {
  @Override
  public String name() {
    return "noop";
  }

  @Override
  public ProcessorHandler create() {
    return new NoopHandler();
  }
}
