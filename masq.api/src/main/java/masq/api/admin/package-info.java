/**
 * The masq admin API: what the console (and any other management front end) reads and changes.
 *
 * <p>The engine registers the services of this package; they are safe to call from any thread.
 * Reads return snapshots as DTOs (public fields, no behaviour); changes are executed on the engine
 * thread and return when applied. Bad arguments throw {@link java.lang.IllegalArgumentException} with
 * a message naming the argument.
 */
@Export
@Version("1.4.0")
package masq.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
