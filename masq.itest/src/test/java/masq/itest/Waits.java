package masq.itest;

import java.util.function.BooleanSupplier;

/** Waiting in the framework: for services, bundles and the gateway's state to settle. */
final class Waits {
    /** The longest wait for anything in these tests. */
    static final long WAIT_MILLIS = 10_000;

    private Waits() {
    }

    /** Polls {@code condition} every 50 ms; fails naming {@code what} after {@link #WAIT_MILLIS}. */
    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }
}
