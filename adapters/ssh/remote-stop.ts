/**
 * Wraps a command that withRemoteDeadline already wrapped (`timeout -s KILL …`, one simple
 * command, the leader of its own process group on the host) so that the end of its channel's
 * stdin kills that group: how patchbot stops a command it may no longer run (ExecRequest.signal).
 *
 * Why: our KILL signal request is refused for root logins and ignored before OpenSSH 8.1, and
 * sshd does not kill a pty-less command when its channel or connection closes, so without this a
 * stopped `apt-get install` would go on running on the host. The command reads /dev/null, as an
 * unwrapped one reads a stdin closed at once; the channel's stdin is kept open and watched by a
 * builtin `read` in a subshell (no extra process to leave behind). When patchbot sends EOF, closes
 * the channel or loses the connection, the read ends and the group is killed; when the command
 * ends first, the watcher is killed and the command's exit status is the wrapper's.
 */
export const withRemoteStop = (deadlined: string): string =>
  [
    'exec 3<&0 </dev/null',
    `${deadlined} 3<&- & c=$!`,
    '{ while IFS= read -r _ <&3; do :; done; kill -s KILL -- -$c || kill -s KILL $c; } >/dev/null 2>&1 & w=$!',
    'exec 3<&-',
    'wait $c; s=$?',
    'kill $w 2>/dev/null',
    'exit $s',
  ].join('; ');
