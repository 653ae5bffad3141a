package io.turnout.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.snapshot.RouteFilterSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Route rules in the file config: parsed into the model, and every mistake named by its field. */
class RouteRulesConfigTest {
  private static final String V = "versions: [{name: v1, weight: 1, endpoints: [\"10.0.0.1:80\"]}]";

  private static String hosts(String routes) {
    return """
        hosts:
          - host: shop.example.com
            routes:
              - path: /
                %s
        %s
        """
        .formatted(V, routes.indent(6));
  }

  private static List<String> problems(String routes) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(hosts(routes)));
    return e.problems();
  }

  private static void rejected(String routes, String expected) {
    List<String> p = problems(routes);
    assertTrue(p.contains(expected), p.toString());
  }

  @Test
  void theReadmeExampleParses() throws Exception {
    GatewayConfig c =
        ConfigFile.parse(
            hosts(
                """
                - path: /
                  headers: [{name: X-Canary, value: always}]
                  %s
                - path: /api/v1
                  method: GET
                  queryParams: [{name: beta, type: RegularExpression, value: "1|true"}]
                  filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier:
                        set: [{name: X-Api-Version, value: "1"}]
                        add: [{name: X-Via, value: turnout}]
                        remove: [X-Debug]
                    - type: ResponseHeaderModifier
                      responseHeaderModifier: {remove: [Server]}
                    - type: URLRewrite
                      urlRewrite:
                        hostname: api.internal
                        path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1}
                  %s
                - path: /login
                  pathType: Exact
                  %s
                - path: /old-shop
                  filters:
                    - type: RequestRedirect
                      requestRedirect:
                        scheme: https
                        hostname: shop.example.org
                        statusCode: 301
                        path: {type: ReplacePrefixMatch, replacePrefixMatch: /shop}
                """
                    .formatted(V, V, V)));
    List<RouteSpec> routes = c.hosts().get(0).routes();
    assertEquals(5, routes.size());
    assertEquals("X-Canary", routes.get(1).headers().get(0).name());
    assertEquals("GET", routes.get(2).method());
    assertEquals("RegularExpression", routes.get(2).queryParams().get(0).type());
    assertEquals(3, routes.get(2).filters().size());
    assertEquals("api.internal", routes.get(2).filters().get(2).urlRewrite().hostname());
    assertEquals("Exact", routes.get(3).pathType());
    RouteFilterSpec redirect = routes.get(4).filters().get(0);
    assertEquals(301, redirect.requestRedirect().statusCode());
    assertTrue(routes.get(4).versions().isEmpty(), "a redirect route needs no versions");
  }

  @Test
  void unknownKeysInRulesAreErrors() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    hosts("- path: /x\n  headers: [{name: a, value: b, kind: Exact}]\n  " + V)));
    assertTrue(e.getMessage().contains("kind"), e.getMessage());
  }

  @Test
  void matchFieldsAreChecked() {
    rejected(
        "- path: /x\n  pathType: Regex\n  " + V,
        "hosts[0].routes[1].pathType: must be Exact or PathPrefix, was 'Regex'");
    rejected(
        "- path: /x\n  method: \"GE T\"\n  " + V,
        "hosts[0].routes[1].method: 'GE T' is not an HTTP method token");
    rejected(
        "- path: /x\n  headers: [{name: a, value: b, type: Foo}]\n  " + V,
        "hosts[0].routes[1].headers[0].type: must be Exact or RegularExpression, was 'Foo'");
    rejected(
        "- path: /x\n  headers: [{name: \"a b\", value: b}]\n  " + V,
        "hosts[0].routes[1].headers[0].name: 'a b' is not a valid header name");
    rejected(
        "- path: /x\n  headers: [{name: A, value: b}, {name: a, value: c}]\n  " + V,
        "hosts[0].routes[1].headers[1].name: 'a' appears more than once in this route");
    List<String> p =
        problems(
            "- path: /x\n  queryParams: [{name: q, type: RegularExpression, value: \"(\"}]\n  "
                + V);
    assertTrue(
        p.get(0).startsWith("hosts[0].routes[1].queryParams[0].value: '(' is not a regular"),
        p.toString());
  }

  @Test
  void sameFullMatchTwiceIsADuplicateSamePathIsNot() throws Exception {
    ConfigFile.parse(hosts("- path: /\n  headers: [{name: x-canary, value: \"on\"}]\n  " + V));
    ConfigFile.parse(hosts("- path: /\n  pathType: Exact\n  " + V));
    List<String> p = problems("- path: /\n  pathType: PathPrefix\n  " + V);
    assertTrue(
        p.get(0).startsWith("hosts[0].routes[1].path: '/' appears more than once"), p.toString());
  }

  @Test
  void filterTypeMustMatchItsField() {
    rejected(
        "- path: /x\n  filters: [{type: URLRewrite, requestRedirect: {hostname: a.b}}]\n  " + V,
        "hosts[0].routes[1].filters[0].urlRewrite: is required for type URLRewrite");
    rejected(
        "- path: /x\n  filters: [{type: URLRewrite, requestRedirect: {hostname: a.b}}]\n  " + V,
        "hosts[0].routes[1].filters[0].requestRedirect: must not be set for type URLRewrite");
    rejected(
        "- path: /x\n  filters: [{type: Mirror}]\n  " + V,
        "hosts[0].routes[1].filters[0].type: must be RequestHeaderModifier, ResponseHeaderModifier,"
            + " RequestRedirect or URLRewrite, was 'Mirror'");
  }

  @Test
  void redirectAndRewriteFieldsAreChecked() {
    rejected(
        "- path: /x\n  filters: [{type: RequestRedirect, requestRedirect: {statusCode: 307}}]",
        "hosts[0].routes[1].filters[0].requestRedirect.statusCode: must be 301 or 302, was 307");
    rejected(
        "- path: /x\n  filters: [{type: RequestRedirect, requestRedirect: {scheme: ftp}}]",
        "hosts[0].routes[1].filters[0].requestRedirect.scheme: must be http or https, was 'ftp'");
    rejected(
        "- path: /x\n  pathType: Exact\n  filters: [{type: URLRewrite, urlRewrite: {path: {type:"
            + " ReplacePrefixMatch, replacePrefixMatch: /y}}}]\n  "
            + V,
        "hosts[0].routes[1].filters[0].urlRewrite.path.type: ReplacePrefixMatch needs a PathPrefix"
            + " route, this one is Exact");
    rejected(
        "- path: /x\n  filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath}}}]\n  "
            + V,
        "hosts[0].routes[1].filters[0].urlRewrite.path.replaceFullPath: is required");
    rejected(
        "- path: /x\n  filters: [{type: URLRewrite, urlRewrite: {path: {type: Swap}}}]\n  " + V,
        "hosts[0].routes[1].filters[0].urlRewrite.path.type: must be ReplaceFullPath or"
            + " ReplacePrefixMatch, was 'Swap'");
    rejected(
        "- path: /x\n  filters:\n  - {type: URLRewrite, urlRewrite: {hostname: a.b}}\n  - {type:"
            + " RequestRedirect, requestRedirect: {hostname: a.b}}\n  "
            + V,
        "hosts[0].routes[1].filters: a route cannot both redirect (RequestRedirect) and rewrite"
            + " (URLRewrite)");
    rejected(
        "- path: /x",
        "hosts[0].routes[1].versions: needs at least one version (or a RequestRedirect filter)");
  }

  @Test
  void headerModifiersCannotTouchWhatTheGatewayOwns() {
    rejected(
        "- path: /x\n  filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name:"
            + " Content-Length, value: \"1\"}]}}]\n  "
            + V,
        "hosts[0].routes[1].filters[0].requestHeaderModifier.set[0].name: 'Content-Length' is"
            + " managed by the gateway on each hop and cannot be modified");
    rejected(
        "- path: /x\n  filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove:"
            + " [Connection]}}]\n  "
            + V,
        "hosts[0].routes[1].filters[0].responseHeaderModifier.remove[0]: 'Connection' is managed"
            + " by the gateway on each hop and cannot be modified");
    rejected(
        "- path: /x\n  filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name:"
            + " Host, value: a}]}}]\n  "
            + V,
        "hosts[0].routes[1].filters[0].requestHeaderModifier.add[0].name: 'Host' is managed by the"
            + " gateway on each hop and cannot be modified (use a URLRewrite hostname)");
  }
}
