package dev.portcullis.tools;

import java.io.IOException;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * The JMX address of a local JVM by its process id: the JDK's attach API asks it to start its local
 * management agent (a no-op when it runs) and returns the agent's address. Attach works only for the
 * JVM's own OS user, and only from a JDK (module {@code jdk.attach}); the messages say which it was.
 */
final class LocalAttach {

    private LocalAttach() {
    }

    static String serviceUrl(String pid) throws PortcullisAdmin.UsageException {
        if (!pid.matches("\\d{1,10}")) {
            throw new PortcullisAdmin.UsageException("--pid needs a process id (digits), not '" + pid + "'.");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException e) {
            throw new PortcullisAdmin.UsageException("cannot attach to process " + pid + " (" + e.getMessage() + "); it"
                    + " must be a running Java process of this OS user.");
        }
        try {
            return vm.startLocalManagementAgent();
        } catch (IOException e) {
            throw new PortcullisAdmin.UsageException("process " + pid + " did not start its JMX agent (" + e.getMessage()
                    + ").");
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // Detaching only closes our side of the attach connection.
            }
        }
    }
}
