package io.turnout.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.turnout.gateway.routing.filter.RouteFilters;
import io.turnout.gateway.routing.match.RouteMatch;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.QueryParamMatchSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Gateway API precedence, one rule at a time, and as a total order under any input order. */
class RoutePrecedenceTest {
  private static CompiledRoute route(int order, RouteSpec spec) {
    return new CompiledRoute(
        RouteMatch.compile(spec), RouteFilters.NONE, order, List.of(), BucketMapping.of(List.of()));
  }

  private static RouteSpec spec(String path, String type, String method, int headers, int queries) {
    List<HeaderMatchSpec> h = new ArrayList<>();
    for (int i = 0; i < headers; i++) {
      h.add(new HeaderMatchSpec("h" + i, "v"));
    }
    List<QueryParamMatchSpec> q = new ArrayList<>();
    for (int i = 0; i < queries; i++) {
      q.add(new QueryParamMatchSpec("q" + i, "v"));
    }
    return new RouteSpec(path, List.of(), type, method, h, q, null);
  }

  @Test
  void orderIsExactThenLongestThenMethodThenHeadersThenQueryThenListOrder() {
    List<CompiledRoute> expected =
        List.of(
            route(9, spec("/a", "Exact", null, 0, 0)),
            route(8, spec("/longer", null, null, 0, 0)),
            route(7, spec("/a", null, "GET", 0, 0)),
            route(6, spec("/a", null, null, 2, 0)),
            route(5, spec("/a", null, null, 1, 3)),
            route(4, spec("/a", null, null, 1, 1)),
            route(1, spec("/a", null, null, 1, 0)),
            route(2, spec("/a", null, null, 0, 0)),
            route(3, spec("/", null, "POST", 5, 5)));
    Random random = new Random(3);
    for (int round = 0; round < 20; round++) {
      List<CompiledRoute> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, random);
      shuffled.sort(RoutePrecedence.INSTANCE);
      assertEquals(expected, shuffled);
    }
  }

  @Test
  void equalMatchesKeepListOrder() {
    CompiledRoute first = route(0, spec("/a", null, null, 1, 0));
    CompiledRoute second = route(1, spec("/a", null, null, 1, 0));
    assertEquals(-1, Integer.signum(RoutePrecedence.INSTANCE.compare(first, second)));
  }
}
