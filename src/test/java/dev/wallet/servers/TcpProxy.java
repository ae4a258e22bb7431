package dev.wallet.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy the tests put between the service and a server, to cut the line (connections reset,
 * new ones refused) and heal it again, as an outage would; or to hold every request for a while, as a remote
 * server's network would (the benchmark) or a slow one (a fault scenario).
 */
public final class TcpProxy implements AutoCloseable {

    private static final long SLICE_NANOS = Duration.ofMillis(10).toNanos();

    private final int port;
    private final int upstreamPort;
    private volatile long requestDelayNanos;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    public TcpProxy(int upstreamPort) {
        this(upstreamPort, Duration.ZERO);
    }

    /** Every byte sent to the server arrives {@code requestDelay} late; answers come back at once. */
    public TcpProxy(int upstreamPort, Duration requestDelay) {
        this.port = ServerProcess.freePort();
        this.upstreamPort = upstreamPort;
        this.requestDelayNanos = requestDelay.toNanos();
        heal();
    }

    public int port() {
        return port;
    }

    /** From now on, every byte sent to the server arrives {@code delay} late; those waiting go by the new delay. */
    public void delayRequests(Duration delay) {
        requestDelayNanos = delay.toNanos();
    }

    /** Accepts connections again. */
    public synchronized void heal() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> accept(listener), "proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Resets every open connection and refuses new ones until {@link #heal()}. */
    public synchronized void cut() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                connect(server, server.accept());
            } catch (IOException e) {
                // Closed by cut(): stop accepting.
            }
        }
    }

    private synchronized void connect(ServerSocket server, Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        if (listener != server) {
            // cut() came between accept and here: this connection belongs to the outage.
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        try {
            // Without it, Nagle's algorithm meets delayed acknowledgements: 40 ms stalls on every request.
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                if (request) {
                    transferLate(in, out);
                } else {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                // Either side closed.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads on this thread, writes each chunk on another once it is the request delay old: a delay, not a rate. */
    private void transferLate(InputStream in, OutputStream out) throws IOException {
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        Thread writer = new Thread(() -> {
            try {
                for (Chunk chunk = chunks.take(); chunk.bytes.length > 0; chunk = chunks.take()) {
                    // In slices, so that a chunk already waiting goes by a delay changed meanwhile.
                    for (long wait = dueIn(chunk); wait > 0; wait = dueIn(chunk)) {
                        LockSupport.parkNanos(Math.min(wait, SLICE_NANOS));
                    }
                    out.write(chunk.bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // Either side closed.
            }
        }, "proxy-delay");
        writer.setDaemon(true);
        writer.start();
        byte[] buffer = new byte[16384];
        try {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                chunks.add(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime()));
            }
        } finally {
            chunks.add(new Chunk(new byte[0], System.nanoTime()));
            // The caller closes both sockets next: what is still to be written must be written first.
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long dueIn(Chunk chunk) {
        return chunk.readAt + requestDelayNanos - System.nanoTime();
    }

    private record Chunk(byte[] bytes, long readAt) {
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Nothing to do: it is gone either way.
        }
    }
}
