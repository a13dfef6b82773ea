"""Cut frames found by PySceneDetect's ContentDetector (default settings), as JSON."""
import json
import sys
import time

from scenedetect import ContentDetector, detect

started = time.time()
scenes = detect(sys.argv[1], ContentDetector())
print(json.dumps({"seconds": time.time() - started, "cuts": [s[0].get_frames() for s in scenes[1:]]}))
