// The three-service app as a compose file: web (busybox httpd, named volume, health
// check), migrate (one-shot), worker (waits for web healthy and migrate done, fetches from web).
export function appFile(workerMessage = 'fetch'): string {
  return `
services:
  web:
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 80 -h /www"]
    volumes:
      - data:/www
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
      interval: 1s
      timeout: 2s
      retries: 20
  migrate:
    image: busybox
    command: ["sh", "-c", "echo migrated"]
  worker:
    image: busybox
    command: ["sh", "-c", "while true; do echo ${workerMessage} $$(wget -q -O- http://web/); sleep 1; done"]
    depends_on:
      web:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
volumes:
  data: {}
`;
}
