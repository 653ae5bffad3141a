package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayRuleTest {
  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "GET, '', true",
    "HEAD, '', true",
    "OPTIONS, '', true",
    "DELETE, '', true",
    "PUT, '', true",
    "GET, content-length: 0, true",
    "PUT, content-length: 7, false",
    "DELETE, transfer-encoding: chunked, false",
    "GET, content-length: 1, false",
    "POST, '', false",
    "POST, content-length: 0, false",
    "PATCH, '', false",
    "CONNECT, '', false"
  })
  void onlyIdempotentBodilessRequestsMayBeResentAfterTheyWereWritten(
      String method, String header, boolean resend) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/");
    if (!header.isEmpty()) {
      String[] kv = header.split(": ");
      req.headers().set(kv[0], kv[1]);
    }
    assertEquals(resend, ReplayRule.mayResendAfterWrite(req));
  }
}
