package io.eventstreamcore.engine.spi;

/**
 * Registers a {@link ProcessorHandler} under a short name through {@link java.util.ServiceLoader}:
 * list the implementation in {@code
 * META-INF/services/io.eventstreamcore.engine.spi.ProcessorHandlerFactory} and name it in
 * configuration as {@code { handler = "<name>" }} instead of {@code { class = "..." }}. The
 * implementation needs a public no-argument constructor.
 */
public interface ProcessorHandlerFactory {
  /** The name configuration refers to; unique among factories and built-in handlers. */
  String name();

  /** A new handler; called once per configuration entry naming this factory. */
  ProcessorHandler create();
}
