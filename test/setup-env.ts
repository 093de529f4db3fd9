// The AWS SDK warns on Node < 22 about versions published after January 2027; the lockfile pins
// today's versions, which support Node 20 (the project's floor), so the warning is only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
