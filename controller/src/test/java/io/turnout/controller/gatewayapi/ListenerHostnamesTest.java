package io.turnout.controller.gatewayapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerHostnamesTest {
  @Test
  void theGatewayApiExamplesIntersectAsSpecified() {
    assertEquals(
        List.of("very.specific.com"),
        ListenerHostnames.intersect("very.specific.com", List.of("*.specific.com")));
    assertEquals(
        List.of("bar.wildcard.io", "foo.bar.wildcard.io", "foo.wildcard.io"),
        ListenerHostnames.intersect(
            "*.wildcard.io",
            List.of("wildcard.io", "foo.wildcard.io", "bar.wildcard.io", "foo.bar.wildcard.io")));
    assertEquals(List.of(), ListenerHostnames.intersect("*.wildcard.io", List.of("wildcard.io")));
    assertEquals(
        List.of("*.a.example.com"),
        ListenerHostnames.intersect("*.example.com", List.of("*.a.example.com")));
    assertEquals(
        List.of("*.a.example.com"),
        ListenerHostnames.intersect("*.a.example.com", List.of("*.example.com")));
    assertEquals(List.of(), ListenerHostnames.intersect("a.example.com", List.of("b.example.com")));
  }

  @Test
  void anEmptySideTakesTheOtherAndBothEmptyIsTheCatchAll() {
    assertEquals(
        List.of("shop.example.com"),
        ListenerHostnames.intersect(null, List.of("Shop.Example.com.")));
    assertEquals(List.of("*.example.com"), ListenerHostnames.intersect("*.example.com", List.of()));
    assertEquals(List.of("*"), ListenerHostnames.intersect(null, null));
  }
}
