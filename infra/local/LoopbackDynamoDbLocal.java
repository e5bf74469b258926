// DynamoDB Local listens on every network interface and has no option to change
// that; this launcher (run by `java` in source-file mode, no build step) creates its
// server the way the jar's own main does, binds it to 127.0.0.1, then starts it.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    boolean bound = false;
    for (Field field : DynamoDBProxyServer.class.getDeclaredFields()) {
      if (!Server.class.isAssignableFrom(field.getType())) continue;
      field.setAccessible(true);
      for (Connector connector : ((Server) field.get(proxy)).getConnectors()) {
        if (connector instanceof ServerConnector) {
          ((ServerConnector) connector).setHost("127.0.0.1");
          bound = true;
        }
      }
    }
    // Refuse to start rather than listen on every interface.
    if (!bound) throw new IllegalStateException("could not bind DynamoDB Local to 127.0.0.1");
    proxy.start();
  }
}
