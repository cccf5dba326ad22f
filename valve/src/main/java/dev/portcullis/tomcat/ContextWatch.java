package dev.portcullis.tomcat;

import org.apache.catalina.Container;
import org.apache.catalina.ContainerEvent;
import org.apache.catalina.ContainerListener;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleListener;

/**
 * Follows every webapp a valve covers: the one Context of a Context's valve, or each Context a Host has
 * now and each it gets later (Tomcat fires ADD_CHILD before it starts the new child: Tomcat 9.0.98, 10.1
 * and 11, {@code ContainerBase.addChild}). Each followed Context gets this as a lifecycle listener; a
 * subclass acts on the lifecycle events it cares about, and in {@link #followed} on a Context that was
 * already under way when it came to be followed.
 */
abstract class ContextWatch implements ContainerListener, LifecycleListener {

    /** Starts following {@code scope}'s webapps: a Context itself, or every Context of a Host. */
    final void followContexts(Container scope) {
        if (scope instanceof Context context) {
            follow(context);
        } else if (scope != null) {
            scope.addContainerListener(this);
            for (Container child : scope.findChildren()) {
                if (child instanceof Context context) {
                    follow(context);
                }
            }
        }
    }

    /** Stops following {@code scope}'s webapps. */
    final void unfollowContexts(Container scope) {
        if (scope instanceof Context context) {
            context.removeLifecycleListener(this);
        } else if (scope != null) {
            scope.removeContainerListener(this);
            for (Container child : scope.findChildren()) {
                child.removeLifecycleListener(this);
            }
        }
    }

    private void follow(Context context) {
        context.addLifecycleListener(this);
        followed(context);
    }

    /** {@code context} is followed from now on; what to do if it has already started (or is starting). */
    abstract void followed(Context context);

    @Override
    public final void containerEvent(ContainerEvent event) {
        if (Container.ADD_CHILD_EVENT.equals(event.getType()) && event.getData() instanceof Context context) {
            follow(context);
        } else if (Container.REMOVE_CHILD_EVENT.equals(event.getType()) && event.getData() instanceof Context context) {
            context.removeLifecycleListener(this);
        }
    }
}
