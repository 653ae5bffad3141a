package io.turnout.gateway.snapshot;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compares and copies the routing model's records field by field, by reflection over their record
 * components, so that the delta stream treats a field added to {@link VersionSpec} or {@link
 * HostSpec} tomorrow like any other: a change to it is a change of the whole value, and copying a
 * value with new endpoints keeps it.
 *
 * <p>Stateless apart from a cache of each record type's components and canonical constructor.
 */
final class RecordFields {
  private record Shape(RecordComponent[] components, Constructor<?> canonical) {}

  private static final ConcurrentHashMap<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  private RecordFields() {}

  private static Shape shape(Class<?> type) {
    return SHAPES.computeIfAbsent(
        type,
        t -> {
          RecordComponent[] cs = t.getRecordComponents();
          Class<?>[] types = new Class<?>[cs.length];
          for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
          }
          try {
            return new Shape(cs, t.getDeclaredConstructor(types));
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException(t + " has no canonical constructor", e);
          }
        });
  }

  /** True when {@code a} and {@code b} are equal in every component except {@code except}. */
  static <R extends Record> boolean equalExcept(R a, R b, String except) {
    for (RecordComponent c : shape(a.getClass()).components()) {
      if (!c.getName().equals(except) && !Objects.equals(get(c, a), get(c, b))) {
        return false;
      }
    }
    return true;
  }

  /** {@code r} with component {@code name} replaced by {@code value}. */
  @SuppressWarnings("unchecked")
  static <R extends Record> R with(R r, String name, Object value) {
    Shape s = shape(r.getClass());
    RecordComponent[] cs = s.components();
    Object[] args = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      args[i] = cs[i].getName().equals(name) ? value : get(cs[i], r);
    }
    try {
      return (R) s.canonical().newInstance(args);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot copy " + r.getClass().getSimpleName(), e);
    }
  }

  private static Object get(RecordComponent c, Object r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName(), e);
    }
  }
}
