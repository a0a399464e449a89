# Shell helpers for driving the packaged app on an X server (sourced).

# wait_for_window: print the id of the first visible window named iomviewer,
# waiting up to 20 s; print nothing if none appears.
wait_for_window() {
  local wid=""
  for _ in $(seq 100); do
    wid=$(xdotool search --onlyvisible --name "iomviewer" 2>/dev/null | head -n 1 || true)
    [ -n "$wid" ] && break
    sleep 0.2
  done
  printf '%s' "$wid"
}
