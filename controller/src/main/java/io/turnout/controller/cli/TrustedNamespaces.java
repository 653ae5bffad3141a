package io.turnout.controller.cli;

import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code --trusted-namespaces}: the namespaces whose Services may claim {@code *} and
 * wildcards like {@code *.com}. A typo must fail at start-up, not silently trust nobody (or a
 * namespace someone can create later), hence the check against Kubernetes' namespace name rule.
 */
final class TrustedNamespaces {
  /** RFC 1123 label, what Kubernetes accepts as a namespace name. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private TrustedNamespaces() {}

  /**
   * The distinct, sorted names in {@code values} (already split at commas); blanks are skipped, so
   * an empty chart value gives none.
   *
   * @throws Cli.Refused naming the flag and the bad entry
   */
  static List<String> parse(List<String> values) {
    TreeSet<String> out = new TreeSet<>();
    for (String v : values) {
      String ns = v.trim();
      if (ns.isEmpty()) {
        continue;
      }
      if (!NAMESPACE.matcher(ns).matches()) {
        throw new Cli.Refused(
            "--trusted-namespaces: '" + ns + "' is not a namespace name (RFC 1123 label)");
      }
      out.add(ns);
    }
    return List.copyOf(out);
  }
}
