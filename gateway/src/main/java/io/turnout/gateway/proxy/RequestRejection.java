package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/** Why a request is refused before it is routed; the connection is closed after the answer. */
record RequestRejection(HttpResponseStatus status, String reason) {}
