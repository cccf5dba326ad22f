package dev.portcullis.tomcat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.catalina.Container;
import org.apache.catalina.ContainerEvent;
import org.apache.catalina.ContainerListener;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.LifecycleState;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;

import dev.portcullis.config.PathPatterns;
import dev.portcullis.config.RoleMapper;

/**
 * Names, in one log line, every webapp the valve protects, so that an operator sees Tomcat's Manager
 * among them: at Host level once the Host has started (its webapps are deployed by then), listing
 * each context with the webapps that check Tomcat's administrative roles and who can grant those;
 * then one line for each webapp deployed later. At Context level, one line for that webapp.
 *
 * <p>A webapp counts as protected when {@code protectedPaths} reaches into it and {@code excludedPaths}
 * does not cover all of it. The roles a webapp checks are those of its {@code <auth-constraint>}s and
 * {@code <security-role>}s, known once it has started.
 */
public final class ProtectedWebapps implements ContainerListener, LifecycleListener {

    private static final Logger LOG = LogManager.getLogger(ProtectedWebapps.class);

    private final Container scope;
    private final PathPatterns protectedPaths;
    private final PathPatterns excludedPaths;
    private final RoleMapper roles;
    private volatile boolean hostStarted;

    private ProtectedWebapps(Container scope, PathPatterns protectedPaths, PathPatterns excludedPaths, RoleMapper roles) {
        this.scope = scope;
        this.protectedPaths = protectedPaths;
        this.excludedPaths = excludedPaths;
        this.roles = roles;
    }

    /** Starts watching the valve's container (a Host or a Context); logs now or once it has started. */
    public static ProtectedWebapps watch(Container scope, PathPatterns protectedPaths, PathPatterns excludedPaths,
                                         RoleMapper roles) {
        ProtectedWebapps watcher = new ProtectedWebapps(scope, protectedPaths, excludedPaths, roles);
        if (scope instanceof Context context) {
            LOG.info("Portcullis protects webapp [{}]{}", display(context), watcher.adminNote(List.of(context)));
        } else if (scope instanceof Host host) {
            host.addContainerListener(watcher);
            if (host.getState() == LifecycleState.STARTED) {
                watcher.hostStarted();
            } else {
                host.addLifecycleListener(watcher);
            }
        }
        return watcher;
    }

    /** Stops watching (the valve is stopping). */
    public void release() {
        if (scope instanceof Host host) {
            host.removeContainerListener(this);
            host.removeLifecycleListener(this);
            for (Container child : host.findChildren()) {
                child.removeLifecycleListener(this);
            }
        }
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (!Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
            return;
        }
        if (event.getLifecycle() == scope) {
            scope.removeLifecycleListener(this);
            hostStarted();
        } else if (event.getLifecycle() instanceof Context context) {
            // A webapp deployed after the Host started: named once, when its web.xml has been read.
            context.removeLifecycleListener(this);
            if (isProtected(context)) {
                LOG.info("Portcullis now also protects webapp [{}], deployed after start{}", display(context),
                        adminNote(List.of(context)));
            }
        }
    }

    @Override
    public void containerEvent(ContainerEvent event) {
        if (hostStarted && Container.ADD_CHILD_EVENT.equals(event.getType()) && event.getData() instanceof Context context) {
            context.addLifecycleListener(this);
        }
    }

    private void hostStarted() {
        hostStarted = true;
        List<Context> covered = new ArrayList<>();
        List<String> uncovered = new ArrayList<>();
        for (Container child : scope.findChildren()) {
            if (child instanceof Context context) {
                if (isProtected(context)) {
                    covered.add(context);
                } else {
                    uncovered.add(display(context));
                }
            }
        }
        covered.sort((a, b) -> a.getPath().compareTo(b.getPath()));
        uncovered.sort(String::compareTo);
        LOG.info("Portcullis protects {} webapp(s) on Host [{}]: {} (protectedPaths [{}], excludedPaths [{}]){}{}",
                covered.size(), scope.getName(), covered.stream().map(ProtectedWebapps::display).toList(), protectedPaths,
                excludedPaths, uncovered.isEmpty() ? "" : "; not protected: " + uncovered, adminNote(covered));
    }

    private boolean isProtected(Context context) {
        String path = context.getPath();
        return protectedPaths.mayMatchUnder(path) && !excludedPaths.matchesAllUnder(path);
    }

    /** "; [/manager] check Tomcat's administrative roles ..." for the webapps that do, else "". */
    private String adminNote(List<Context> contexts) {
        List<String> checking = new ArrayList<>();
        for (Context context : contexts) {
            if (checksTomcatAdminRoles(context)) {
                checking.add(display(context));
            }
        }
        if (checking.isEmpty()) {
            return "";
        }
        List<String> mapped = roles.mappedTomcatAdminRoles();
        return "; " + checking + " check Tomcat's administrative roles, which the IdP grants only through roleMapping"
                + " (now: " + (mapped.isEmpty() ? "none" : String.join(", ", mapped)) + ")";
    }

    private static boolean checksTomcatAdminRoles(Context context) {
        TreeSet<String> checked = new TreeSet<>(List.of(context.findSecurityRoles()));
        for (SecurityConstraint constraint : context.findConstraints()) {
            checked.addAll(List.of(constraint.findAuthRoles()));
        }
        return checked.stream().anyMatch(RoleMapper.TOMCAT_ADMIN_ROLES::contains);
    }

    private static String display(Context context) {
        return context.getPath().isEmpty() ? "/" : context.getPath();
    }
}
