package io.eventstreamcore.processors.config;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Route;

/**
 * One entry of {@code eventstream.processors.<kind>.handlers}, checked but not yet instantiated.
 *
 * @param path the entry's configuration path, e.g. {@code eventstream.processors.batch.handlers[1]}
 * @param handler a built-in or {@link io.eventstreamcore.engine.spi.ProcessorHandlerFactory} name,
 *     or null when {@code className} is set
 * @param className a {@link io.eventstreamcore.engine.spi.ProcessorHandler} class, or null
 * @param config the entry's {@code config} block, empty when absent
 */
public record HandlerEntry(
    Route route, String path, String name, String handler, String className, Config config) {
  @Override
  public String toString() {
    return name + "=" + (handler != null ? handler : className);
  }
}
