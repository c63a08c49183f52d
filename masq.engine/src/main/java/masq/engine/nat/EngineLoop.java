package masq.engine.nat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import masq.engine.packet.PacketBuffer;

/**
 * The engine thread: the only thread that touches the {@link Translator}. Links hand it
 * datagrams and the admin side hands it requests through one bounded queue; it runs each to
 * completion, in arrival order, so an admin request sees a consistent table between two packets.
 * When idle it still ticks the clock so mappings expire. A second loop with its own translator per
 * flow-hash shard is the intended way to use more cores.
 */
public final class EngineLoop implements Runnable {
    /** How long the loop waits for work before ticking the clock. */
    public static final long IDLE_TICK_MILLIS = 100;

    /** Where datagrams go after translation. Called on the engine thread; must not block. */
    public interface PacketSink {
        /**
         * Every offered buffer comes back here exactly once with its verdict (DROP and HELD
         * included, so the link can recycle it). Released fragments come in the loop's own
         * buffer, which the sink must copy before returning.
         */
        void emit(int verdict, PacketBuffer packet);
    }

    private final Translator translator;
    private final PacketSink sink;
    private final LongSupplier clock;
    private final ArrayBlockingQueue<Object> queue;
    /** Where held fragments are copied when their first fragment has been translated. */
    private final PacketBuffer released = new PacketBuffer(65535 + PacketBuffer.MAX_GENERATED_LENGTH);
    private volatile boolean running = true;
    private volatile Thread thread;

    /** A loop over {@code translator} with a queue of {@code capacity} items; {@code clock} gives nanoseconds. */
    public EngineLoop(Translator translator, PacketSink sink, LongSupplier clock, int capacity) {
        this.translator = translator;
        this.sink = sink;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Starts the engine thread. */
    public synchronized void start() {
        if (thread == null) {
            thread = new Thread(this, "masq-engine");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Stops the engine thread and waits for it; queued work is discarded. */
    public void stop() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join();
        }
    }

    /**
     * Queues a datagram that arrived on {@code side}; false (the caller keeps the buffer) when
     * the queue is full. Any thread; does not block.
     */
    public boolean offer(int side, PacketBuffer packet) {
        packet.side = side;
        return queue.offer(packet);
    }

    /**
     * Runs {@code request} on the engine thread between two packets. Any thread; does not block.
     * The future fails with {@link RejectedExecutionException} when the queue is full.
     */
    public <T> CompletableFuture<T> submit(Function<Translator, T> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(request.apply(translator));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        };
        if (!queue.offer(task)) {
            result.completeExceptionally(new RejectedExecutionException("masq engine queue is full"));
        }
        return result;
    }

    @Override
    public void run() {
        while (running) {
            Object item;
            try {
                item = queue.poll(IDLE_TICK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (item instanceof PacketBuffer) {
                handle((PacketBuffer) item);
            } else {
                translator.tick(clock.getAsLong());
                if (item != null) {
                    ((Runnable) item).run();
                }
            }
        }
    }

    private void handle(PacketBuffer packet) {
        long now = clock.getAsLong();
        int verdict = translator.process(packet.side, packet, now);
        int side = packet.side;
        sink.emit(verdict, packet);
        if (verdict == Translator.FORWARD_INSIDE || verdict == Translator.FORWARD_OUTSIDE) {
            int next;
            while ((next = translator.pollReleased(released, now)) != Translator.NOTHING) {
                released.side = side;
                sink.emit(next, released);
            }
        }
    }
}
