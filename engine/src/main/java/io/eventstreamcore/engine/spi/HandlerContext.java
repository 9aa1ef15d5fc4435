package io.eventstreamcore.engine.spi;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Route;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;

/**
 * What a {@link ProcessorHandler} gets at {@link ProcessorHandler#start}: its name and kind, its
 * own configuration block, the engine clock, the metrics registry and the topic id bound.
 *
 * @param name the handler's unique name, from its {@code name} key (use it in metric labels)
 * @param route the processor kind it runs under
 * @param config the handler's {@code config { ... }} block, empty when absent; read and validate
 *     every key in start, naming the bad key and value in the exception
 * @param clock the engine clock (wall time for received timestamps, ticks and windows)
 * @param metrics the registry exposed on /metrics: register the handler's own metrics here once, in
 *     start, keep the data points in fields, and only increment them per event
 * @param maxTopicIds {@link io.eventstreamcore.engine.event.EventView#topicId()} ranges over {@code
 *     0..maxTopicIds-1}: size per-topic state with it
 */
public record HandlerContext(
    String name,
    Route route,
    Config config,
    InstantSource clock,
    PrometheusRegistry metrics,
    int maxTopicIds) {}
