package io.eventstreamcore.engine.spi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.Route;

/**
 * One configured handler: which kind it runs under, its unique name and its own configuration. The
 * pipeline calls the handlers of one kind in the order of their bindings.
 */
public record ProcessorBinding(Route route, String name, Config config, ProcessorHandler handler) {
  /** A binding named after its route, with an empty configuration. */
  public static ProcessorBinding of(Route route, ProcessorHandler handler) {
    return new ProcessorBinding(route, route.label(), ConfigFactory.empty(), handler);
  }
}
