package masq.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who holds an interface: a running masq JVM other than this one, or nobody (stale, foreign, absent). */
class InterfaceLocksTest {
    @TempDir
    Path dir;

    private Path lockOf(String name) throws Exception {
        String inode = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().replaceAll("[^0-9]", "");
        Path ns = Files.createDirectories(dir.resolve("net-" + inode));
        return ns.resolve(name + ".lock");
    }

    @Test
    void anotherRunningMasqJvmHoldsIt() throws Exception {
        // a process whose command line names -Dmasq.home= as a masq JVM's does
        Process other = new ProcessBuilder("sh", "-c", "sleep 30", "-Dmasq.home=/x").start();
        try {
            Files.writeString(lockOf("lan0"), "pid " + other.pid() + ", started 2026-12-07 10:00:00, configuration /etc\n");
            assertEquals("pid " + other.pid() + ", started 2026-12-07 10:00:00, configuration /etc",
                    new InterfaceLocks(dir.toString()).heldByOther("lan0"));
        } finally {
            other.destroy();
            other.waitFor(5, TimeUnit.SECONDS);
        }
        assertNull(new InterfaceLocks(dir.toString()).heldByOther("lan0"), "gone: the lock is stale");
    }

    @Test
    void thisJvmAForeignProcessGarbageOrNoFileHoldNothing() throws Exception {
        InterfaceLocks locks = new InterfaceLocks(dir.toString());
        Files.writeString(lockOf("self0"), "pid " + ProcessHandle.current().pid() + ", started now\n");
        Files.writeString(lockOf("init0"), "pid 1, started long ago\n");
        Files.writeString(lockOf("junk0"), "\0\0\0 not a holder\n");
        Files.writeString(lockOf("empty0"), "");
        for (String name : new String[] {"self0", "init0", "junk0", "empty0", "absent0"}) {
            assertNull(locks.heldByOther(name), name);
        }
        assertNull(new InterfaceLocks(null).heldByOther("self0"), "no lock directory: nothing is checked");
    }

    @Test
    void aLiveChangeRecordsThisJvm() throws Exception {
        new InterfaceLocks(dir.toString()).record("wan1", "taken over by a live change of outside.interface");
        String line = Files.readString(lockOf("wan1"));
        assertTrue(line.startsWith("pid " + ProcessHandle.current().pid() + ", started "), line);
        assertTrue(line.endsWith(", taken over by a live change of outside.interface\n"), line);
    }
}
