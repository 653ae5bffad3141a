package io.turnout.gateway.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.turnout.gateway.config.ListenSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport: on Linux, io_uring where the kernel allows it, else native epoll when its
 * library loads, Java NIO otherwise. One place decides, so server and upstream channels always
 * match their event loops.
 *
 * <p>Why io_uring first: one {@code io_uring_enter} per event-loop turn submits the turn's reads
 * and writes and collects their completions, where epoll makes a {@code recvfrom} or {@code writev}
 * per socket per direction. Side by side on small keep-alive GETs that was 0.67x the CPU per
 * request and 1.3x the requests per second (bench/results/NOTES.md). It costs a read buffer per
 * idle connection (a recv is posted with its buffer; epoll allocates one only when bytes arrive),
 * about 2-3 KiB each. Many container runtimes' default seccomp profiles refuse io_uring; there
 * {@code auto} is epoll, as it always was.
 */
public enum Transport {
  EPOLL("epoll"),
  IO_URING("io_uring"),
  NIO("nio");

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private static volatile boolean skipLogged;

  private final String setting;

  Transport(String setting) {
    this.setting = setting;
  }

  /** {@code auto} ({@link #select}), unless {@code -Dturnout.transport} names another setting. */
  public static Transport best() {
    return select(System.getProperty("turnout.transport", "auto"));
  }

  /**
   * The transport for a {@code listen.transport} setting; null means {@code -Dturnout.transport},
   * else {@code auto}: io_uring, else epoll, else NIO, saying once (at info) why io_uring was
   * passed over. A native transport asked for by name that cannot load falls back, io_uring to
   * epoll, epoll to NIO, with a warning that says why (an old kernel, io_uring disabled by {@code
   * kernel.io_uring_disabled} or a container's seccomp profile, a platform without the library).
   *
   * @throws IllegalArgumentException for a name that is not one of {@link
   *     ListenSettings#TRANSPORTS}
   */
  public static Transport select(String setting) {
    if (setting == null) {
      return best();
    }
    return choose(
        setting,
        Epoll.isAvailable() ? null : Epoll.unavailabilityCause(),
        IoUring.isAvailable() ? null : IoUring.unavailabilityCause());
  }

  /** {@link #select} with each native transport's unavailability cause given (null: loads). */
  static Transport choose(String setting, Throwable noEpoll, Throwable noIoUring) {
    Transport native0 = noEpoll == null ? EPOLL : NIO;
    return switch (setting) {
      case "auto" -> noIoUring == null ? IO_URING : skipped(IO_URING, noIoUring, native0);
      case "epoll" -> noEpoll == null ? EPOLL : fallback(EPOLL, noEpoll, NIO);
      case "io_uring" -> noIoUring == null ? IO_URING : fallback(IO_URING, noIoUring, native0);
      case "nio" -> NIO;
      default ->
          throw new IllegalArgumentException(
              "listen.transport: '"
                  + setting
                  + "' is not one of "
                  + String.join(", ", ListenSettings.TRANSPORTS));
    };
  }

  /** {@code auto} passing over io_uring: expected in most containers, so said once, not warned. */
  private static Transport skipped(Transport preferred, Throwable why, Transport instead) {
    if (!skipLogged) {
      skipLogged = true;
      log.info(
          "listen.transport: auto: {} is not available here ({}); using {}",
          preferred.setting,
          why,
          instead.setting);
    }
    return instead;
  }

  private static Transport fallback(Transport wanted, Throwable why, Transport instead) {
    log.warn(
        "listen.transport: {} is not available here ({}); using {} instead",
        wanted.setting,
        why,
        instead.setting);
    return instead;
  }

  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory factory =
        switch (this) {
          case EPOLL -> EpollIoHandler.newFactory();
          case IO_URING -> IoUringIoHandler.newFactory();
          case NIO -> NioIoHandler.newFactory();
        };
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return switch (this) {
      case EPOLL -> EpollServerSocketChannel.class;
      case IO_URING -> IoUringServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  public Class<? extends SocketChannel> socketChannel() {
    return switch (this) {
      case EPOLL -> EpollSocketChannel.class;
      case IO_URING -> IoUringSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  @Override
  public String toString() {
    return setting;
  }
}
