package io.turnout.gateway.routing.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.QueryParamMatchSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteMatchTest {
  private static final HttpHeaders NONE = EmptyHttpHeaders.INSTANCE;

  @Test
  void prefixMatchesWholeSegments() {
    PathPrefixMatch m = new PathPrefixMatch("/api");
    assertTrue(m.matches("/api"));
    assertTrue(m.matches("/api/x"));
    assertTrue(m.matches("/api?q=1"));
    assertTrue(m.matches("/api#f"));
    assertFalse(m.matches("/apix"));
    assertFalse(m.matches("/ap"));
    assertTrue(new PathPrefixMatch("/").matches("/anything"));
    assertFalse(m.exact());
  }

  @Test
  void exactMatchesOnlyThePathWithAnyQuery() {
    ExactPathMatch m = new ExactPathMatch("/one");
    assertTrue(m.matches("/one"));
    assertTrue(m.matches("/one?x=1"));
    assertFalse(m.matches("/one/"));
    assertFalse(m.matches("/one/two"));
    assertFalse(m.matches("/onex"));
    assertFalse(m.matches("/ONE"));
    assertTrue(m.exact());
  }

  @Test
  void methodIsCaseSensitive() {
    MethodMatch m = new MethodMatch("POST");
    assertTrue(m.matches(HttpMethod.POST, "/", NONE));
    assertFalse(m.matches(HttpMethod.GET, "/", NONE));
    assertFalse(m.matches(HttpMethod.valueOf("post"), "/", NONE));
  }

  @Test
  void headerNameIgnoresCaseValueDoesNot() {
    HeaderMatch m = new HeaderMatch("X-Version", null, "two");
    assertTrue(m.matches(HttpMethod.GET, "/", headers("x-version", "two")));
    assertTrue(m.matches(HttpMethod.GET, "/", headers("X-VERSION", "two")));
    assertFalse(m.matches(HttpMethod.GET, "/", headers("x-version", "Two")));
    assertFalse(m.matches(HttpMethod.GET, "/", NONE));
  }

  @Test
  void headerRegexMustMatchTheWholeValue() {
    HeaderMatch m = new HeaderMatch("x-build", "RegularExpression", "v[0-9]+");
    assertTrue(m.matches(HttpMethod.GET, "/", headers("x-build", "v12")));
    assertFalse(m.matches(HttpMethod.GET, "/", headers("x-build", "v12-rc")));
  }

  @Test
  void queryParamFirstOccurrenceDecodedAndCaseSensitive() {
    assertEquals("whale", QueryParamMatch.firstValue("/?animal=whale", "animal"));
    assertEquals("dolphin", QueryParamMatch.firstValue("/?animal=dolphin&animal=whale", "animal"));
    assertEquals("a b", QueryParamMatch.firstValue("/x?a%20=1&k=a%20b", "k"));
    assertEquals("", QueryParamMatch.firstValue("/?flag&x=1", "flag"));
    assertNull(QueryParamMatch.firstValue("/?ANIMAL=whale", "animal"));
    assertNull(QueryParamMatch.firstValue("/animal=whale", "animal"));
    assertNull(QueryParamMatch.firstValue("/?x=1#animal=whale", "animal"));
    assertEquals("%zz", QueryParamMatch.firstValue("/?k=%zz", "k"));
    QueryParamMatch re = new QueryParamMatch("id", "RegularExpression", "[0-9]+");
    assertTrue(re.matches(HttpMethod.GET, "/?id=42", NONE));
    assertFalse(re.matches(HttpMethod.GET, "/?id=4x", NONE));
  }

  @Test
  void everyConditionMustHold() {
    RouteMatch m =
        RouteMatch.compile(
            new RouteSpec(
                "/api",
                List.of(),
                null,
                "GET",
                List.of(new HeaderMatchSpec("x-a", "1")),
                List.of(new QueryParamMatchSpec("q", "v")),
                null));
    assertTrue(m.matches(HttpMethod.GET, "/api/x?q=v", headers("x-a", "1")));
    assertFalse(m.matches(HttpMethod.POST, "/api/x?q=v", headers("x-a", "1")));
    assertFalse(m.matches(HttpMethod.GET, "/api/x?q=w", headers("x-a", "1")));
    assertFalse(m.matches(HttpMethod.GET, "/api/x?q=v", NONE));
    assertFalse(m.matches(HttpMethod.GET, "/other?q=v", headers("x-a", "1")));
    assertEquals(1, m.headerCount());
    assertEquals(1, m.queryCount());
    assertTrue(m.hasMethod());
  }

  @Test
  void keyIsTheFullMatchIndependentOfOrderAndNameCase() {
    RouteSpec a =
        new RouteSpec(
            "/api/",
            List.of(),
            null,
            null,
            List.of(new HeaderMatchSpec("X-A", "1"), new HeaderMatchSpec("x-b", "2")),
            null,
            null);
    RouteSpec b =
        new RouteSpec(
            "/api",
            List.of(),
            "PathPrefix",
            null,
            List.of(new HeaderMatchSpec("x-b", "2"), new HeaderMatchSpec("x-a", "1")),
            null,
            null);
    assertEquals(RouteMatch.compile(a).key(), RouteMatch.compile(b).key());
    RouteSpec exact = new RouteSpec("/api", List.of(), "Exact", null, null, null, null);
    assertNotEquals(RouteMatch.prefix("/api").key(), RouteMatch.compile(exact).key());
    RouteSpec regex =
        new RouteSpec(
            "/api",
            List.of(),
            null,
            null,
            List.of(new HeaderMatchSpec("x-a", "1", "RegularExpression")),
            null,
            null);
    RouteSpec plain =
        new RouteSpec(
            "/api", List.of(), null, null, List.of(new HeaderMatchSpec("x-a", "1")), null, null);
    assertNotEquals(RouteMatch.compile(regex).key(), RouteMatch.compile(plain).key());
  }

  private static HttpHeaders headers(String name, String value) {
    return new DefaultHttpHeaders().add(name, value);
  }
}
