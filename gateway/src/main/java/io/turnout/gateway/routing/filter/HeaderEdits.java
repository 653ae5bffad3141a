package io.turnout.gateway.routing.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.turnout.gateway.snapshot.HeaderModifierSpec;
import io.turnout.gateway.snapshot.HeaderValueSpec;
import java.util.List;
import java.util.Locale;

/**
 * Compiled header edits of a header modifier, applied in the order remove, set, add; names are
 * lower-cased once here. Immutable.
 */
final class HeaderEdits {
  private final AsciiString[] remove;
  private final AsciiString[] setNames;
  private final String[] setValues;
  private final AsciiString[] addNames;
  private final String[] addValues;

  HeaderEdits(HeaderModifierSpec spec) {
    remove = spec.remove().stream().map(HeaderEdits::name).toArray(AsciiString[]::new);
    setNames = names(spec.set());
    setValues = spec.set().stream().map(HeaderValueSpec::value).toArray(String[]::new);
    addNames = names(spec.add());
    addValues = spec.add().stream().map(HeaderValueSpec::value).toArray(String[]::new);
  }

  void apply(HttpHeaders h) {
    for (AsciiString n : remove) {
      h.remove(n);
    }
    for (int i = 0; i < setNames.length; i++) {
      h.set(setNames[i], setValues[i]);
    }
    for (int i = 0; i < addNames.length; i++) {
      h.add(addNames[i], addValues[i]);
    }
  }

  private static AsciiString[] names(List<HeaderValueSpec> values) {
    return values.stream().map(v -> name(v.name())).toArray(AsciiString[]::new);
  }

  private static AsciiString name(String n) {
    return AsciiString.cached(n.toLowerCase(Locale.ROOT));
  }
}
