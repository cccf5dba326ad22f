package dev.portcullis.demo;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * What a stock Tomcat's {@code conf/web.xml} gives every webapp, less JSP: the default servlet and
 * the MIME types. Embedded Tomcat's own defaults also declare the JSP servlet, whose class (Jasper)
 * is not on the demo's classpath, and which the sample does not use; without this, each start would
 * log a SEVERE ClassNotFoundException. Add it to a context created with
 * {@link Tomcat#setAddDefaultWebXmlToWebapp(boolean) setAddDefaultWebXmlToWebapp(false)}.
 */
public final class WebappDefaults implements LifecycleListener {

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && event.getLifecycle() instanceof Context context) {
            Wrapper servlet = Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
            servlet.setLoadOnStartup(1);
            servlet.setOverridable(true);
            context.addServletMappingDecoded("/", "default");
            Tomcat.addDefaultMimeTypeMappings(context);
        }
    }

    /** Deploys a WAR (or an expanded directory) the way the demo does. */
    public static Context deploy(Tomcat tomcat, String contextPath, String war) {
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp(contextPath, war);
        context.addLifecycleListener(new WebappDefaults());
        return context;
    }
}
