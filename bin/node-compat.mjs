// Lambda runs Node 22, and `npm start`/`npx tug` use the Node 22 from node_modules. When a machine's own
// older Node runs the CLI directly, supply the one Node 22 API the local Step Functions interpreter needs.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
