package io.eventstreamcore.processors;

import com.typesafe.config.ConfigException;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.ProcessorHandlerFactory;
import io.eventstreamcore.processors.config.HandlerEntry;
import io.eventstreamcore.processors.config.ProcessorSettings;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Instantiates the handlers configured in {@code eventstream.processors.<kind>.handlers}: built-ins
 * by name, {@link ProcessorHandlerFactory} implementations found through {@link ServiceLoader} by
 * name, other classes by their public no-argument constructor. Any failure names the entry's key
 * and value.
 */
public final class ProcessorHandlers {
  private ProcessorHandlers() {}

  /**
   * Creates every configured handler, in route then configuration order.
   *
   * @param loader where handler classes and {@code META-INF/services} entries are looked up
   * @throws ConfigException naming the key and value of an entry that cannot be instantiated
   */
  public static List<ProcessorBinding> create(
      ProcessorSettings settings,
      EngineSettings engine,
      EngineMetrics metrics,
      ClassLoader loader) {
    Map<String, ProcessorHandlerFactory> factories = null;
    List<ProcessorBinding> bindings = new ArrayList<>();
    Set<String> builtIns = new HashSet<>();
    for (HandlerEntry entry : settings.handlers()) {
      ProcessorHandler handler;
      if (entry.className() != null) {
        handler = instantiate(entry, loader);
      } else if (BuiltInProcessors.KINDS.containsKey(entry.handler())) {
        if (BuiltInProcessors.KINDS.get(entry.handler()) != entry.route()) {
          throw EngineSettings.bad(
              entry.path() + ".handler",
              entry.handler(),
              "is a built-in "
                  + BuiltInProcessors.KINDS.get(entry.handler()).label()
                  + " handler; it does not run under "
                  + entry.route().label());
        }
        if (!builtIns.add(entry.handler())) {
          // A built-in reads the shared eventstream.processors settings, not its entry's: a
          // second one would do all the first does again (id-audit would not even start: its
          // metric exists once).
          throw EngineSettings.bad(
              entry.path() + ".handler",
              entry.handler(),
              "is listed twice; a built-in handler runs once");
        }
        handler = BuiltInProcessors.create(entry.handler(), settings, engine, metrics);
      } else {
        if (factories == null) {
          factories = factories(loader);
        }
        ProcessorHandlerFactory factory = factories.get(entry.handler());
        if (factory == null) {
          throw EngineSettings.bad(
              entry.path() + ".handler",
              entry.handler(),
              "is neither a built-in handler "
                  + new TreeMap<>(BuiltInProcessors.KINDS).keySet()
                  + " nor a ProcessorHandlerFactory registered in META-INF/services "
                  + factories.keySet());
        }
        handler = create(entry, factory);
      }
      bindings.add(new ProcessorBinding(entry.route(), entry.name(), entry.config(), handler));
    }
    return bindings;
  }

  /** The registered factories by name; a name taken twice, or by a built-in, is an error. */
  static Map<String, ProcessorHandlerFactory> factories(ClassLoader loader) {
    Map<String, ProcessorHandlerFactory> byName = new TreeMap<>();
    try {
      for (ProcessorHandlerFactory factory :
          ServiceLoader.load(ProcessorHandlerFactory.class, loader)) {
        String name = factory.name();
        ProcessorHandlerFactory earlier = byName.put(name, factory);
        if (earlier != null || BuiltInProcessors.KINDS.containsKey(name)) {
          throw new IllegalStateException(
              "handler factory "
                  + factory.getClass().getName()
                  + " takes the name '"
                  + name
                  + "', already taken by "
                  + (earlier != null ? earlier.getClass().getName() : "a built-in handler"));
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "a handler factory listed in META-INF/services/"
              + ProcessorHandlerFactory.class.getName()
              + " cannot be loaded: "
              + e.getMessage(),
          e);
    }
    return byName;
  }

  private static ProcessorHandler create(HandlerEntry entry, ProcessorHandlerFactory factory) {
    String key = entry.path() + ".handler";
    ProcessorHandler handler;
    try {
      handler = factory.create();
    } catch (RuntimeException e) {
      throw bad(key, entry.handler(), "factory failed: " + e, e);
    }
    if (handler == null) {
      throw bad(key, entry.handler(), "factory returned no handler", null);
    }
    return handler;
  }

  private static ProcessorHandler instantiate(HandlerEntry entry, ClassLoader loader) {
    String key = entry.path() + ".class";
    String name = entry.className();
    Class<?> type;
    try {
      type = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw bad(key, name, "is not a class on the class path (" + e + ")", e);
    }
    if (!ProcessorHandler.class.isAssignableFrom(type)) {
      throw bad(key, name, "does not implement " + ProcessorHandler.class.getName(), null);
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw bad(key, name, "is abstract: name a concrete class", null);
    }
    Constructor<?> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw bad(key, name, "needs a public no-argument constructor", e);
    }
    try {
      return (ProcessorHandler) constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw bad(key, name, "constructor failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw bad(key, name, "cannot be instantiated (" + e + ")", e);
    }
  }

  private static ConfigException bad(String key, String value, String why, Throwable cause) {
    return new ConfigException.BadValue(key, "'" + value + "' " + why, cause);
  }
}
