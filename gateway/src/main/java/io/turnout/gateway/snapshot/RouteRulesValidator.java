package io.turnout.gateway.snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a route's rules: path type, method, header and query parameter matches, and filters. Part
 * of {@link SnapshotValidator}; every problem names its field.
 *
 * <p>Header modifiers may not touch the headers the gateway owns on each hop: the message's framing
 * ({@code Content-Length}, {@code Transfer-Encoding}), the hop-by-hop headers ({@code Connection},
 * {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Trailer}, {@code Upgrade}),
 * {@code Expect} (answered by the gateway) and {@code Host} (change it with a {@code URLRewrite}
 * hostname). Changing those would desynchronise the framing between gateway and upstream, or break
 * the keep-alive and upgrade handling the gateway does on each side.
 */
final class RouteRulesValidator {
  /** RFC 9110 token: header names and methods. */
  static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  /** Headers no modifier may set, add or remove (lower case). */
  static final Set<String> GATEWAY_OWNED_HEADERS =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "expect",
          "host");

  private static final String EXACT = "Exact";
  private static final String REGEX = "RegularExpression";

  private RouteRulesValidator() {}

  static void validate(RouteSpec route, String rp, List<String> problems) {
    String pathType = route.pathType();
    if (pathType != null
        && !pathType.equals(RouteSpec.EXACT)
        && !pathType.equals(RouteSpec.PATH_PREFIX)) {
      problems.add(rp + ".pathType: must be Exact or PathPrefix, was '" + pathType + "'");
    }
    if (route.method() != null && !TOKEN.matcher(route.method()).matches()) {
      problems.add(rp + ".method: '" + route.method() + "' is not an HTTP method token");
    }
    Set<String> headerNames = new HashSet<>();
    for (int i = 0; i < route.headers().size(); i++) {
      HeaderMatchSpec h = route.headers().get(i);
      String hp = rp + ".headers[" + i + "]";
      if (h == null) {
        problems.add(hp + ": must not be null");
        continue;
      }
      if (validHeaderName(h.name(), hp + ".name", problems)
          && !headerNames.add(h.name().toLowerCase(Locale.ROOT))) {
        problems.add(hp + ".name: '" + h.name() + "' appears more than once in this route");
      }
      validateValueMatch(h.type(), h.value(), hp, problems);
    }
    Set<String> paramNames = new HashSet<>();
    for (int i = 0; i < route.queryParams().size(); i++) {
      QueryParamMatchSpec q = route.queryParams().get(i);
      String qp = rp + ".queryParams[" + i + "]";
      if (q == null) {
        problems.add(qp + ": must not be null");
        continue;
      }
      if (q.name() == null || q.name().isEmpty()) {
        problems.add(qp + ".name: is required");
      } else if (!paramNames.add(q.name())) {
        problems.add(qp + ".name: '" + q.name() + "' appears more than once in this route");
      }
      validateValueMatch(q.type(), q.value(), qp, problems);
    }
    validateFilters(route, rp, problems);
  }

  private static void validateValueMatch(
      String type, String value, String at, List<String> problems) {
    if (type != null && !type.equals(EXACT) && !type.equals(REGEX)) {
      problems.add(at + ".type: must be Exact or RegularExpression, was '" + type + "'");
      return;
    }
    if (value == null) {
      problems.add(at + ".value: is required");
    } else if (REGEX.equals(type)) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        problems.add(
            at + ".value: '" + value + "' is not a regular expression: " + e.getDescription());
      }
    }
  }

  private static void validateFilters(RouteSpec route, String rp, List<String> problems) {
    Set<String> seenTypes = new HashSet<>();
    for (int i = 0; i < route.filters().size(); i++) {
      RouteFilterSpec f = route.filters().get(i);
      String fp = rp + ".filters[" + i + "]";
      if (f == null) {
        problems.add(fp + ": must not be null");
        continue;
      }
      String type = f.type();
      String field =
          type == null
              ? null
              : switch (type) {
                case RouteFilterSpec.REQUEST_HEADER_MODIFIER -> "requestHeaderModifier";
                case RouteFilterSpec.RESPONSE_HEADER_MODIFIER -> "responseHeaderModifier";
                case RouteFilterSpec.REQUEST_REDIRECT -> "requestRedirect";
                case RouteFilterSpec.URL_REWRITE -> "urlRewrite";
                default -> null;
              };
      if (field == null) {
        problems.add(
            fp
                + ".type: must be RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect or"
                + " URLRewrite, was '"
                + type
                + "'");
        continue;
      }
      if (!seenTypes.add(type)) {
        problems.add(fp + ".type: " + type + " appears more than once in this route");
      }
      checkOnlyField(f, field, fp, problems);
      switch (type) {
        case RouteFilterSpec.REQUEST_HEADER_MODIFIER -> {
          if (f.requestHeaderModifier() != null) {
            validateHeaderModifier(
                f.requestHeaderModifier(), fp + ".requestHeaderModifier", problems);
          }
        }
        case RouteFilterSpec.RESPONSE_HEADER_MODIFIER -> {
          if (f.responseHeaderModifier() != null) {
            validateHeaderModifier(
                f.responseHeaderModifier(), fp + ".responseHeaderModifier", problems);
          }
        }
        case RouteFilterSpec.REQUEST_REDIRECT -> {
          if (f.requestRedirect() != null) {
            validateRedirect(route, f.requestRedirect(), fp + ".requestRedirect", problems);
          }
        }
        default -> {
          if (f.urlRewrite() != null) {
            validateRewrite(route, f.urlRewrite(), fp + ".urlRewrite", problems);
          }
        }
      }
    }
    if (seenTypes.contains(RouteFilterSpec.REQUEST_REDIRECT)
        && seenTypes.contains(RouteFilterSpec.URL_REWRITE)) {
      problems.add(
          rp + ".filters: a route cannot both redirect (RequestRedirect) and rewrite (URLRewrite)");
    }
  }

  /** The filter must set exactly the field its type names. */
  private static void checkOnlyField(
      RouteFilterSpec f, String field, String fp, List<String> problems) {
    String[] names = {
      "requestHeaderModifier", "responseHeaderModifier", "requestRedirect", "urlRewrite"
    };
    Object[] values = {
      f.requestHeaderModifier(), f.responseHeaderModifier(), f.requestRedirect(), f.urlRewrite()
    };
    for (int k = 0; k < names.length; k++) {
      if (names[k].equals(field) && values[k] == null) {
        problems.add(fp + "." + field + ": is required for type " + f.type());
      } else if (!names[k].equals(field) && values[k] != null) {
        problems.add(fp + "." + names[k] + ": must not be set for type " + f.type());
      }
    }
  }

  private static void validateHeaderModifier(
      HeaderModifierSpec m, String at, List<String> problems) {
    validateHeaderValues(m.set(), at + ".set", problems);
    validateHeaderValues(m.add(), at + ".add", problems);
    for (int i = 0; i < m.remove().size(); i++) {
      String name = m.remove().get(i);
      String np = at + ".remove[" + i + "]";
      if (validHeaderName(name, np, problems)) {
        notGatewayOwned(name, np, problems);
      }
    }
  }

  private static void validateHeaderValues(
      List<HeaderValueSpec> values, String at, List<String> problems) {
    for (int i = 0; i < values.size(); i++) {
      HeaderValueSpec v = values.get(i);
      String vp = at + "[" + i + "]";
      if (v == null) {
        problems.add(vp + ": must not be null");
        continue;
      }
      if (validHeaderName(v.name(), vp + ".name", problems)) {
        notGatewayOwned(v.name(), vp + ".name", problems);
      }
      if (v.value() == null) {
        problems.add(vp + ".value: is required");
      } else if (hasControlChar(v.value())) {
        problems.add(vp + ".value: must not contain CR, LF or NUL");
      }
    }
  }

  private static boolean validHeaderName(String name, String at, List<String> problems) {
    if (name == null || name.isEmpty()) {
      problems.add(at + ": is required");
      return false;
    }
    if (!TOKEN.matcher(name).matches()) {
      problems.add(at + ": '" + name + "' is not a valid header name");
      return false;
    }
    return true;
  }

  private static void notGatewayOwned(String name, String at, List<String> problems) {
    if (GATEWAY_OWNED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      problems.add(
          at
              + ": '"
              + name
              + "' is managed by the gateway on each hop and cannot be modified"
              + (name.equalsIgnoreCase("host") ? " (use a URLRewrite hostname)" : ""));
    }
  }

  private static void validateRedirect(
      RouteSpec route, RedirectSpec r, String at, List<String> problems) {
    if (r.scheme() != null && !r.scheme().equals("http") && !r.scheme().equals("https")) {
      problems.add(at + ".scheme: must be http or https, was '" + r.scheme() + "'");
    }
    if (r.hostname() != null) {
      validHostname(r.hostname(), at + ".hostname", problems);
    }
    if (r.port() != null && (r.port() < 1 || r.port() > 65535)) {
      problems.add(at + ".port: must be 1..65535, was " + r.port());
    }
    if (r.statusCode() != null && r.statusCode() != 301 && r.statusCode() != 302) {
      problems.add(at + ".statusCode: must be 301 or 302, was " + r.statusCode());
    }
    if (r.path() != null) {
      validatePathModifier(route, r.path(), at + ".path", problems);
    }
  }

  private static void validateRewrite(
      RouteSpec route, UrlRewriteSpec r, String at, List<String> problems) {
    if (r.hostname() == null && r.path() == null) {
      problems.add(at + ": needs a hostname or a path");
    }
    if (r.hostname() != null) {
      validHostname(r.hostname(), at + ".hostname", problems);
    }
    if (r.path() != null) {
      validatePathModifier(route, r.path(), at + ".path", problems);
    }
  }

  private static void validHostname(String host, String at, List<String> problems) {
    if (!HOST_NAME.matcher(host).matches() || host.length() > 253) {
      problems.add(at + ": '" + host + "' is not a host name");
    }
  }

  private static void validatePathModifier(
      RouteSpec route, PathModifierSpec p, String at, List<String> problems) {
    if (PathModifierSpec.REPLACE_FULL_PATH.equals(p.type())) {
      validReplacementPath(p.replaceFullPath(), false, at + ".replaceFullPath", problems);
      if (p.replacePrefixMatch() != null) {
        problems.add(at + ".replacePrefixMatch: must not be set for type ReplaceFullPath");
      }
    } else if (PathModifierSpec.REPLACE_PREFIX_MATCH.equals(p.type())) {
      validReplacementPath(p.replacePrefixMatch(), true, at + ".replacePrefixMatch", problems);
      if (p.replaceFullPath() != null) {
        problems.add(at + ".replaceFullPath: must not be set for type ReplacePrefixMatch");
      }
      if (route.exactPath()) {
        problems.add(at + ".type: ReplacePrefixMatch needs a PathPrefix route, this one is Exact");
      }
    } else {
      problems.add(
          at + ".type: must be ReplaceFullPath or ReplacePrefixMatch, was '" + p.type() + "'");
    }
  }

  private static void validReplacementPath(
      String path, boolean mayBeEmpty, String at, List<String> problems) {
    if (path == null) {
      problems.add(at + ": is required");
    } else if (path.isEmpty() ? !mayBeEmpty : !path.startsWith("/")) {
      problems.add(at + ": '" + path + "' must start with /");
    } else if (path.contains("?")
        || path.contains("#")
        || path.contains(" ")
        || hasControlChar(path)) {
      problems.add(at + ": '" + path + "' must be a plain path");
    }
  }

  private static boolean hasControlChar(String s) {
    return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
  }
}
