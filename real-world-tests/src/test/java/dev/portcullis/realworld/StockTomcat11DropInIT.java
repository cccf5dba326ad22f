package dev.portcullis.realworld;

/** {@link StockTomcatDropInTests} on Apache Tomcat 11.0.24, the primary target. */
class StockTomcat11DropInIT extends StockTomcatDropInTests {

    @Override
    String version() {
        return "11.0.24";
    }
}
