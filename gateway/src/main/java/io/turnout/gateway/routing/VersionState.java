package io.turnout.gateway.routing;

/** What a version may receive right now (docs/REFERENCE.md, routing model). */
public enum VersionState {
  /** Weight above 0 and a ready endpoint: takes new clients. */
  SERVING,
  /** Stopped serving less than drainTimeout ago: only its pinned clients' sub-requests. */
  DRAINING,
  /** Neither: reached only through the preview override with its token. */
  DARK
}
